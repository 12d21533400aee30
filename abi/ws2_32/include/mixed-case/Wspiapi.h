/* Wspiapi.h: legacy code spells it so; Linux file systems are case-sensitive. The header is
 * wspiapi.h. */
#include "../wspiapi.h"
