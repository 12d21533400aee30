/* wsp_seh.h: opt-in mapping of Microsoft's structured exception handling keywords onto plain
 * control flow, for the common legacy use of __try/__finally and __try/__except as a
 * cleanup idiom. Nothing includes it for you: include it yourself (in C++, after every
 * C++ standard library header, since libstdc++ uses __try/__catch as its own macros).
 *
 *     __try {
 *         buf = HeapAlloc(GetProcessHeap(), 0, n);
 *         if (recv(s, buf, n, 0) <= 0)
 *             __leave;                    // jumps to the __finally block
 *         ...
 *     } __finally {
 *         HeapFree(GetProcessHeap(), 0, buf);
 *     }
 *
 * What it does:
 *  - `__try { A } __finally { B }` runs A, then B, also when A executes `__leave`.
 *  - `__try { A } __except (filter) { H }` runs A; H never runs and the filter is never
 *    evaluated.
 *  - `__leave` leaves the innermost __try block.
 *
 * What it cannot do (say it plainly, so nobody relies on it):
 *  - No exception is ever caught. An access violation, a division by zero, a stack
 *    overflow or a RaiseException still ends the process with the host's signal (SIGSEGV,
 *    SIGFPE, ...): __except handlers are dead code, and GetExceptionCode() is 0.
 *  - `return`, `goto` or `break`/`continue` out of a __try block skip its __finally block
 *    (on Windows the block would run, with AbnormalTermination() TRUE). Use __leave.
 *  - `__leave` inside a loop or switch within the __try block leaves that loop or switch,
 *    not the __try block (it is `break`).
 *  - AbnormalTermination() is always FALSE.
 * For real exception handling on Linux, use signal handlers (sigaction) or C++ exceptions.
 */
#ifndef WSP_SEH_H
#define WSP_SEH_H

#ifdef __try
#undef __try
#endif
#ifdef __except
#undef __except
#endif
#ifdef __finally
#undef __finally
#endif
#ifdef __leave
#undef __leave
#endif

#define __try do
#define __leave break
#define __finally while (0);
#define __except(filter) while (0); if (0 && (filter))

#ifndef GetExceptionCode
#define GetExceptionCode() (0UL)
#endif
#ifndef GetExceptionInformation
#define GetExceptionInformation() ((void *)0)
#endif
#ifndef AbnormalTermination
#define AbnormalTermination() 0
#endif
#ifndef _exception_code
#define _exception_code GetExceptionCode
#endif
#ifndef _abnormal_termination
#define _abnormal_termination AbnormalTermination
#endif

#ifndef EXCEPTION_EXECUTE_HANDLER
#define EXCEPTION_EXECUTE_HANDLER 1
#endif
#ifndef EXCEPTION_CONTINUE_SEARCH
#define EXCEPTION_CONTINUE_SEARCH 0
#endif
#ifndef EXCEPTION_CONTINUE_EXECUTION
#define EXCEPTION_CONTINUE_EXECUTION (-1)
#endif

#endif /* WSP_SEH_H */
