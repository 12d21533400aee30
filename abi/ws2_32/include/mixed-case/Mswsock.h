/* Mswsock.h: legacy code spells it so; Linux file systems are case-sensitive. The header is
 * mswsock.h. */
#include "../mswsock.h"
