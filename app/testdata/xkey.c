/*
 * xkey presses and releases one key on the X display named by DISPLAY,
 * through the XTEST extension, as a user at the keyboard would. The
 * end-to-end tests of the desktop app (app/gui_test.go) build it with
 *
 *     gcc -o xkey xkey.c -lX11 -lXtst
 *
 * and use it to press Escape in the real window under Xvfb.
 */
#include <stdio.h>
#include <X11/Xlib.h>
#include <X11/extensions/XTest.h>

int main(int argc, char **argv) {
	if (argc != 2) {
		fprintf(stderr, "usage: xkey KEYSYM (for example Escape)\n");
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
	KeySym sym = XStringToKeysym(argv[1]);
	KeyCode code = sym == NoSymbol ? 0 : XKeysymToKeycode(d, sym);
	if (code == 0) {
		fprintf(stderr, "xkey: no key %s on this display\n", argv[1]);
		return 2;
	}
	XTestFakeKeyEvent(d, code, True, CurrentTime);
	XTestFakeKeyEvent(d, code, False, CurrentTime);
	XSync(d, False);
	XCloseDisplay(d);
	return 0;
}
