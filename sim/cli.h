/* The appcsim command line: one function per subcommand, each returning the process exit
 * status (0 success, 1 a check failed, 2 bad input or usage). */
#ifndef APPCSIM_CLI_H
#define APPCSIM_CLI_H

#define APPCSIM_VERSION "0.1.0"

int cmd_coalesce(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_explain(int argc, char **argv);

#endif
