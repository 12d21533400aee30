/* NTStatus.h: legacy code spells it so; Linux file systems are case-sensitive. The header is
 * ntstatus.h. */
#include "../ntstatus.h"
