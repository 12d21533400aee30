/* WS2tcpip.h: legacy code spells it so; Linux file systems are case-sensitive. The header is
 * ws2tcpip.h. */
#include "../ws2tcpip.h"
