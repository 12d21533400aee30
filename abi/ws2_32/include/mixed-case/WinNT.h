/* WinNT.h: legacy code spells it so; Linux file systems are case-sensitive. The header is
 * winnt.h. */
#include "../winnt.h"
