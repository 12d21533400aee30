/* Winbase.h: legacy code spells it so; Linux file systems are case-sensitive. The header is
 * winbase.h. */
#include "../winbase.h"
