/* Windows.h: legacy code spells it so; Linux file systems are case-sensitive. The header is
 * windows.h. */
#include "../windows.h"
