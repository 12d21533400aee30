/* MSTcpIp.h: legacy code spells it so; Linux file systems are case-sensitive. The header is
 * mstcpip.h. */
#include "../mstcpip.h"
