/* WinSock2.h: legacy code spells it so; Linux file systems are case-sensitive. The header is
 * winsock2.h. */
#include "../winsock2.h"
