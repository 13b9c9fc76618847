/*
 * processprng.c: a bcryptprimitives.dll for Wine 8, which has none.
 *
 * Go 1.26's Windows runtime loads ProcessPrng from bcryptprimitives.dll at
 * start-up (runtime.loadOptionalSyscalls, LOAD_LIBRARY_SEARCH_SYSTEM32) and
 * stops with "bcryptprimitives.dll not found" without it. Windows 10 and
 * later ship the DLL; Debian 12's Wine 8.0 does not (newer Wine does). This
 * DLL exports ProcessPrng, implemented on the system-preferred RNG of
 * bcrypt.dll, which Wine has. It is only for running Koppeling's Windows
 * build under Wine in tests (make windows-smoke); it is never shipped.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll \
 *            processprng.c processprng.def -lbcrypt
 */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
