/* Ws2spi.h: legacy code spells it so; Linux file systems are case-sensitive. The header is
 * ws2spi.h. */
#include "../ws2spi.h"
