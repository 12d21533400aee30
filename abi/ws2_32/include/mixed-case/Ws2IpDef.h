/* Ws2IpDef.h: legacy code spells it so; Linux file systems are case-sensitive. The header is
 * ws2ipdef.h. */
#include "../ws2ipdef.h"
