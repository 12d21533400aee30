/* WinUser.h: legacy code spells it so; Linux file systems are case-sensitive. The header is
 * winuser.h. */
#include "../winuser.h"
