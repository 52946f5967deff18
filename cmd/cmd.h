/* SPDX-License-Identifier: Apache-2.0 */
/* The subcommands of the gateguard binary. Each parses its own flags, wires
 * modules together and maps outcomes to exit codes; none holds logic. Exit
 * codes: 0 success, 1 findings (invalid objects), 2 usage or input errors. */
#ifndef GG_CMD_H
#define GG_CMD_H

int gg_cmd_check(int argc, char **argv);
int gg_cmd_webhook(int argc, char **argv);
int gg_cmd_proxy(int argc, char **argv);
int gg_cmd_echo(int argc, char **argv);
int gg_cmd_certs(int argc, char **argv);
int gg_cmd_rules(int argc, char **argv);
int gg_cmd_version(int argc, char **argv);

/* Prints "gateguard CMD: <message>" and where to find help on stderr;
 * returns 2, the exit code for a usage error. */
int gg_cmd_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
