/* cmd_plan - `mxray plan DOMAIN --mx HOST... [--mode M] [--via-testing] | --remove
 * [--step N --verify] [--state DIR] [--json]` with every option of `check`.
 *
 * Runs the live check (target hosts probed too), then prints the plan (text or
 * mxray.plan.v1) and saves it, or verifies step N of the saved plan. Exit: 0 plan ready / step
 * live, 1 plan with warnings, 2 blocked / step not live, 64 usage (an IP address as --mx, no
 * saved plan for --verify), 70 internal, 130 interrupted. */
#ifndef MXRAY_CMD_PLAN_H
#define MXRAY_CMD_PLAN_H

int cmd_plan(int argc, char **argv);

#endif
