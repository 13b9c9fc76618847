/*
 * xkey presses and releases one key, or a chord such as Shift_L+Tab, on the
 * X display named by DISPLAY, through the XTEST extension, as a user at the
 * keyboard would. The end-to-end tests of the desktop app (app/gui_test.go)
 * build it with
 *
 *     gcc -o xkey xkey.c -lX11 -lXtst
 *
 * and use it to work the real window under Xvfb.
 */
#include <stdio.h>
#include <string.h>
#include <X11/Xlib.h>
#include <X11/extensions/XTest.h>

#define MAX_KEYS 4

int main(int argc, char **argv) {
	if (argc != 2) {
		fprintf(stderr, "usage: xkey KEYSYM[+KEYSYM...] (for example Escape or Shift_L+Tab)\n");
		return 2;
	}
	Display *d = XOpenDisplay(NULL);
	if (d == NULL) {
		fprintf(stderr, "xkey: cannot open the display\n");
		return 1;
	}
	int event, error, major, minor;
	if (!XTestQueryExtension(d, &event, &error, &major, &minor)) {
		fprintf(stderr, "xkey: the display has no XTEST extension\n");
		return 1;
	}
	KeyCode codes[MAX_KEYS];
	int n = 0;
	for (char *name = strtok(argv[1], "+"); name != NULL; name = strtok(NULL, "+")) {
		KeySym sym = XStringToKeysym(name);
		KeyCode code = sym == NoSymbol ? 0 : XKeysymToKeycode(d, sym);
		if (code == 0 || n == MAX_KEYS) {
			fprintf(stderr, "xkey: cannot press %s on this display\n", name);
			return 2;
		}
		codes[n++] = code;
	}
	for (int i = 0; i < n; i++) {
		XTestFakeKeyEvent(d, codes[i], True, CurrentTime);
	}
	for (int i = n - 1; i >= 0; i--) {
		XTestFakeKeyEvent(d, codes[i], False, CurrentTime);
	}
	XSync(d, False);
	XCloseDisplay(d);
	return 0;
}
