/* Windows x64 layouts of the structures in windows.h (sizes and offsets from the Windows
 * SDK's documented definitions). Compiled as C and as C++. */
#include <stddef.h>
#include <windows.h>
#include "check.h"

#ifdef __cplusplus
#define SA(e, m) static_assert(e, m)
#else
#define SA(e, m) _Static_assert(e, m)
#endif

#if defined(__x86_64__) || defined(__aarch64__)
SA(sizeof(OVERLAPPED) == 32, "OVERLAPPED");
SA(offsetof(OVERLAPPED, Internal) == 0, "OVERLAPPED.Internal");
SA(offsetof(OVERLAPPED, InternalHigh) == 8, "OVERLAPPED.InternalHigh");
SA(offsetof(OVERLAPPED, Offset) == 16, "OVERLAPPED.Offset");
SA(offsetof(OVERLAPPED, OffsetHigh) == 20, "OVERLAPPED.OffsetHigh");
SA(offsetof(OVERLAPPED, Pointer) == 16, "OVERLAPPED.Pointer");
SA(offsetof(OVERLAPPED, hEvent) == 24, "OVERLAPPED.hEvent");
SA(sizeof(OVERLAPPED_ENTRY) == 32, "OVERLAPPED_ENTRY");
SA(offsetof(OVERLAPPED_ENTRY, dwNumberOfBytesTransferred) == 24, "OVERLAPPED_ENTRY.bytes");
SA(sizeof(MSG) == 48, "MSG");
SA(offsetof(MSG, message) == 8, "MSG.message");
SA(offsetof(MSG, wParam) == 16, "MSG.wParam");
SA(offsetof(MSG, lParam) == 24, "MSG.lParam");
SA(offsetof(MSG, time) == 32, "MSG.time");
SA(offsetof(MSG, pt) == 36, "MSG.pt");
SA(offsetof(MSG, lPrivate) == 44, "MSG.lPrivate");
SA(sizeof(CRITICAL_SECTION) == 40, "CRITICAL_SECTION");
SA(offsetof(CRITICAL_SECTION, RecursionCount) == 12, "CRITICAL_SECTION.RecursionCount");
SA(offsetof(CRITICAL_SECTION, OwningThread) == 16, "CRITICAL_SECTION.OwningThread");
SA(sizeof(SYSTEM_INFO) == 48, "SYSTEM_INFO");
SA(offsetof(SYSTEM_INFO, dwPageSize) == 4, "SYSTEM_INFO.dwPageSize");
SA(offsetof(SYSTEM_INFO, lpMinimumApplicationAddress) == 8, "SYSTEM_INFO.lpMin");
SA(offsetof(SYSTEM_INFO, dwActiveProcessorMask) == 24, "SYSTEM_INFO.mask");
SA(offsetof(SYSTEM_INFO, dwNumberOfProcessors) == 32, "SYSTEM_INFO.cpus");
SA(offsetof(SYSTEM_INFO, wProcessorLevel) == 44, "SYSTEM_INFO.level");
SA(sizeof(SECURITY_ATTRIBUTES) == 24, "SECURITY_ATTRIBUTES");
SA(sizeof(LARGE_INTEGER) == 8, "LARGE_INTEGER");
SA(sizeof(WNDCLASSA) == 72, "WNDCLASSA");
SA(sizeof(WNDCLASSW) == 72, "WNDCLASSW");
SA(sizeof(WNDCLASSEXA) == 80, "WNDCLASSEXA");
SA(offsetof(WNDCLASSEXA, lpszClassName) == 64, "WNDCLASSEXA.lpszClassName");
SA(sizeof(WNDCLASSEXW) == 80, "WNDCLASSEXW");
SA(sizeof(CREATESTRUCTA) == 80, "CREATESTRUCTA");
SA(offsetof(CREATESTRUCTA, style) == 48, "CREATESTRUCTA.style");
#endif
SA(sizeof(DWORD) == 4 && sizeof(LONG) == 4 && sizeof(WORD) == 2, "base sizes");
SA(sizeof(HANDLE) == sizeof(void *) && sizeof(HWND) == sizeof(void *), "handles");

int main(void)
{
    LARGE_INTEGER li;
    li.QuadPart = 0x0000000500000007LL;
    CHECK(li.LowPart == 7 && li.HighPart == 5 && li.u.LowPart == 7);
    CHECK(MAKEWORD(2, 2) == 0x0202);
    CHECK(LOBYTE(0x1234) == 0x34 && HIBYTE(0x1234) == 0x12);
    CHECK(LOWORD(0x12345678) == 0x5678 && HIWORD(0x12345678) == 0x1234);
    CHECK(MAKELONG(0x5678, 0x1234) == 0x12345678);
    CHECK(WAIT_OBJECT_0 == 0 && WAIT_TIMEOUT == 258 && WAIT_IO_COMPLETION == 0xC0);
    CHECK(WAIT_FAILED == 0xFFFFFFFF && INFINITE == 0xFFFFFFFF);
    CHECK(WM_QUIT == 0x12 && WM_USER == 0x400 && WM_DESTROY == 2);
    CHECK((LONG_PTR)HWND_MESSAGE == -3);
    return finish("layout");
}
