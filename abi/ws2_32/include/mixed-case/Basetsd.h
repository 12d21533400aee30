/* Basetsd.h: legacy code spells it so; Linux file systems are case-sensitive. The header is
 * basetsd.h. */
#include "../basetsd.h"
