/*
 * xwin looks at, or closes, the top-level windows of one process on the X
 * display named by DISPLAY (found by their _NET_WM_PID):
 *
 *     xwin PID state   prints "shown" when one of them is viewable, else "hidden"
 *     xwin PID close   asks each viewable one to close (WM_DELETE_WINDOW), as
 *                      a window manager does for a click on the close button
 *
 * packaging/memory/measure.sh builds it with `gcc -o xwin xwin.c -lX11` to
 * hide Koppeling's window under Xvfb, where no window manager runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <X11/Xlib.h>
#include <X11/Xatom.h>

static long window_pid(Display *d, Window w, Atom pid_atom) {
	Atom type;
	int format;
	unsigned long n, after;
	unsigned char *data = NULL;
	long pid = -1;
	if (XGetWindowProperty(d, w, pid_atom, 0, 1, False, XA_CARDINAL, &type, &format, &n, &after, &data) == Success &&
	    data != NULL && n == 1 && format == 32)
		pid = *(unsigned long *)data;
	if (data != NULL)
		XFree(data);
	return pid;
}

int main(int argc, char **argv) {
	if (argc != 3 || (strcmp(argv[2], "state") != 0 && strcmp(argv[2], "close") != 0)) {
		fprintf(stderr, "usage: xwin PID state|close\n");
		return 2;
	}
	long pid = strtol(argv[1], NULL, 10);
	Display *d = XOpenDisplay(NULL);
	if (d == NULL) {
		fprintf(stderr, "xwin: cannot open the display\n");
		return 1;
	}
	Atom pid_atom = XInternAtom(d, "_NET_WM_PID", False);
	Atom protocols = XInternAtom(d, "WM_PROTOCOLS", False);
	Atom delete = XInternAtom(d, "WM_DELETE_WINDOW", False);
	Window root, parent, *children = NULL;
	unsigned int n = 0;
	if (!XQueryTree(d, DefaultRootWindow(d), &root, &parent, &children, &n)) {
		fprintf(stderr, "xwin: cannot list the windows\n");
		return 1;
	}
	int shown = 0, closed = 0;
	for (unsigned int i = 0; i < n; i++) {
		XWindowAttributes a;
		if (window_pid(d, children[i], pid_atom) != pid || !XGetWindowAttributes(d, children[i], &a) ||
		    a.map_state != IsViewable)
			continue;
		shown = 1;
		if (strcmp(argv[2], "close") == 0) {
			XEvent ev;
			memset(&ev, 0, sizeof ev);
			ev.xclient.type = ClientMessage;
			ev.xclient.window = children[i];
			ev.xclient.message_type = protocols;
			ev.xclient.format = 32;
			ev.xclient.data.l[0] = delete;
			ev.xclient.data.l[1] = CurrentTime;
			XSendEvent(d, children[i], False, NoEventMask, &ev);
			closed++;
		}
	}
	if (children != NULL)
		XFree(children);
	XSync(d, False);
	XCloseDisplay(d);
	if (strcmp(argv[2], "state") == 0) {
		puts(shown ? "shown" : "hidden");
		return 0;
	}
	if (closed == 0) {
		fprintf(stderr, "xwin: process %ld has no window shown\n", pid);
		return 1;
	}
	return 0;
}
