/* StrSafe.h: legacy code spells it so; Linux file systems are case-sensitive. The header is
 * strsafe.h. */
#include "../strsafe.h"
