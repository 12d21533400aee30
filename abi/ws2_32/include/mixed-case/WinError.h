/* WinError.h: legacy code spells it so; Linux file systems are case-sensitive. The header is
 * winerror.h. */
#include "../winerror.h"
