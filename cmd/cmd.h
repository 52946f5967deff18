/* SPDX-License-Identifier: Apache-2.0 */
/* The subcommands of the gateguard binary. Each parses its own flags, wires
 * modules together and maps outcomes to exit codes; none holds logic. Exit
 * codes: 0 success, 1 findings (invalid objects), 2 usage or input errors. */
#ifndef GG_CMD_H
#define GG_CMD_H

int gg_cmd_check(int argc, char **argv);
int gg_cmd_webhook(int argc, char **argv);
int gg_cmd_proxy(int argc, char **argv);
int gg_cmd_certs(int argc, char **argv);
int gg_cmd_rules(int argc, char **argv);
int gg_cmd_version(int argc, char **argv);

#endif
