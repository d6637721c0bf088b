/* view_signals.h — signals for a full-screen program that must always give
 * the terminal back.
 *
 * SIGINT, SIGTERM, SIGHUP and SIGQUIT must not kill the viewer in the
 * middle of a frame with the terminal in raw mode and the alternate screen
 * up: their handlers only write the signal's number into a pipe that the
 * viewer polls, and the viewer leaves through its normal exit path
 * (endwin, stop the child). SIGCHLD (the traced program ended) and SIGWINCH
 * (resize; ncurses' own handler still runs first) arrive the same way, so
 * nothing is missed between two polls. If the viewer itself crashes
 * (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT), the handler puts the
 * terminal's saved settings back and leaves the alternate screen with
 * async-signal-safe calls only, then lets the signal kill it as usual.
 *
 * Contract
 *   al_signals_install once, before the terminal is set up (so ncurses sees
 *   our handlers and keeps its hands off SIGINT/SIGTERM), then
 *   al_signals_chain_winch after it. al_signals_fd is the pipe to poll;
 *   al_signals_take returns the next signal number or 0.
 */
#ifndef AL_VIEW_SIGNALS_H
#define AL_VIEW_SIGNALS_H

int al_signals_install(void);
/* Run ncurses' SIGWINCH handler, then tell the pipe. */
void al_signals_chain_winch(void);
int al_signals_fd(void);
int al_signals_take(void);
/* Undo al_signals_install (handlers back to what they were). */
void al_signals_restore(void);

#endif
