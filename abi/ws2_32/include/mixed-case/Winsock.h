/* Winsock.h: legacy code spells it so; Linux file systems are case-sensitive. The header is
 * winsock.h. */
#include "../winsock.h"
