/* windows.h before and after the C library headers and winsock2.h, in C and C++, under
 * -Wall -Wextra -Werror. WSP_ORDER picks the order. */
#if WSP_ORDER == 2
#include <winsock2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <pthread.h>
#include <windows.h>
#elif WSP_ORDER == 3
#include <windows.h>
#include <winsock2.h>
#include <mswsock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <pthread.h>
#elif WSP_ORDER == 1
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <pthread.h>
#else
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <pthread.h>
#include <windows.h>
#endif
#include <windows.h> /* twice: guarded */

static DWORD WINAPI worker(LPVOID p)
{
    return (DWORD)(UINT_PTR)p;
}

static LRESULT CALLBACK proc(HWND h, UINT m, WPARAM w, LPARAM l)
{
    return DefWindowProc(h, m, w, l);
}

int main(void)
{
    OVERLAPPED ov;
    CRITICAL_SECTION cs;
    WNDCLASSEX wc;
    MSG msg;
    LONG n = 0;
    HANDLE t;
    ZeroMemory(&ov, sizeof ov);
    ZeroMemory(&wc, sizeof wc);
    wc.cbSize = sizeof wc;
    wc.lpfnWndProc = proc;
    wc.lpszClassName = TEXT("headers");
    InitializeCriticalSection(&cs);
    DeleteCriticalSection(&cs);
    InterlockedIncrement(&n);
    t = CreateThread(NULL, 0, worker, NULL, 0, NULL);
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
    (void)msg;
    (void)RegisterClassEx;
    printf("%d %s\n", (int)n, strlen("x") == 1 ? "headers ok" : "bad");
    return 0;
}
