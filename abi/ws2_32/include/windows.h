/* windows.h of the wsp porting shim: the Win32 subset Winsock programs lean on. Events and
 * waits, threads, APCs, thread-local storage, critical sections, interlocked operations,
 * tick counts, completion ports, message-only windows and message loops, heaps and local
 * and virtual memory, modules (LoadLibrary/GetProcAddress onto the shim's own exports),
 * console control handlers and console output, string conversion, version and computer
 * name, and the C-runtime names that come with them (sprintf_s, _stricmp, ...). The list,
 * and what is deliberately missing, is abi/ws2_32/WIN32.md.
 *
 * It never pulls in winsock.h, so winsock2.h may come before or after it. Options, as on
 * Windows: NOMINMAX (no min/max macros), WIN32_NO_STATUS (no STATUS_* values; include
 * ntstatus.h for them), UNICODE (the generic names are the W functions). wsp_seh.h (not
 * included here) maps __try/__except/__finally onto plain control flow.
 *
 * Build: cc -I abi/ws2_32/include prog.c -L target/debug -lws2_32 */
#ifndef WSP_WINDOWS_H
#define WSP_WINDOWS_H

#include <string.h> /* ZeroMemory, CopyMemory, ... expand to memset/memcpy */
#include "wsp/basetypes.h"
#include "wsp/win32_types.h"
#include "wsp/win32_crt.h"
#include "wsp/win32_api.h"

/* min and max: windef.h's macros, in C and C++, unless the program defines NOMINMAX before
 * the first include, as on Windows (C++ code that uses std::min/std::max or
 * std::numeric_limits<T>::max() defines NOMINMAX). Each argument may be evaluated twice.
 * Defined after every C library header windows.h includes: libstdc++'s configuration
 * header undefines min and max the first time it is read. */
#ifndef NOMINMAX
#ifndef max
#define max(a, b) (((a) > (b)) ? (a) : (b))
#endif
#ifndef min
#define min(a, b) (((a) < (b)) ? (a) : (b))
#endif
#endif

#endif /* WSP_WINDOWS_H */
