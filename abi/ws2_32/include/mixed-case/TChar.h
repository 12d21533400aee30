/* TChar.h: legacy code spells it so; Linux file systems are case-sensitive. The header is
 * tchar.h. */
#include "../tchar.h"
