/* WinDef.h: legacy code spells it so; Linux file systems are case-sensitive. The header is
 * windef.h. */
#include "../windef.h"
