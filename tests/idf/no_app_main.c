/* A program linked with the start-up library that forgot its app_main: the
 * library's main() says so (it no longer fails to link: app_main is weak for
 * programs whose firmware is a module). */
int firmware_without_app_main(void) { return 0; }
