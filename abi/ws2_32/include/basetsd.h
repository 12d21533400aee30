/* basetsd.h of the wsp porting shim: its declarations are part of windows.h here (the shim's
 * Win32 subset is not split as the Windows SDK splits it), so this includes windows.h. */
#include "windows.h"
