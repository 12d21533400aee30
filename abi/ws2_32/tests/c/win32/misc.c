/* Tick counts, the performance counter, GetSystemInfo, process and thread ids. */
#include <unistd.h>
#include <windows.h>
#include "check.h"

int main(void)
{
    LARGE_INTEGER f, a, b;
    ULONGLONG t0, t1;
    DWORD d0;
    SYSTEM_INFO si;

    t0 = GetTickCount64();
    d0 = GetTickCount();
    Sleep(2);
    t1 = GetTickCount64();
    CHECK(t1 >= t0 + 2);
    CHECK((DWORD)(GetTickCount() - d0) >= 2);
    CHECK(QueryPerformanceFrequency(&f) && f.QuadPart == 10000000);
    CHECK(QueryPerformanceCounter(&a));
    Sleep(1);
    CHECK(QueryPerformanceCounter(&b) && b.QuadPart - a.QuadPart >= f.QuadPart / 1000);
    CHECK(!QueryPerformanceCounter(NULL) && GetLastError() == ERROR_NOACCESS);

    ZeroMemory(&si, sizeof si);
    GetSystemInfo(&si);
    CHECK(si.dwNumberOfProcessors >= 1);
    CHECK(si.dwPageSize == (DWORD)sysconf(_SC_PAGESIZE));
    CHECK(si.dwAllocationGranularity == 65536);
    CHECK(si.dwActiveProcessorMask != 0);
#if defined(__x86_64__)
    CHECK(si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_AMD64);
    CHECK(si.dwProcessorType == PROCESSOR_AMD_X8664);
#endif

    CHECK(GetCurrentProcessId() == (DWORD)getpid());
    CHECK(GetCurrentThreadId() != 0);
    SetLastError(12345);
    CHECK(GetLastError() == 12345);
    return finish("misc");
}
