/* windows.h of the wsp porting shim: the Win32 subset Winsock programs lean on (events and
 * waits, threads, APCs, critical sections, interlocked operations, tick counts, completion
 * ports, message-only windows and message loops). It never pulls in winsock.h, so
 * winsock2.h may come before or after it.
 *
 * Build: cc -I abi/ws2_32/include prog.c -L target/debug -lws2_32 */
#ifndef WSP_WINDOWS_H
#define WSP_WINDOWS_H

#include <string.h> /* ZeroMemory, CopyMemory, ... expand to memset/memcpy */
#include "wsp/basetypes.h"
#include "wsp/win32_types.h"
#include "wsp/win32_api.h"

#endif /* WSP_WINDOWS_H */
