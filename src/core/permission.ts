/** An IAM action name, e.g. `iam:ListAccessKeys`: what a declaration of needed permissions lists. */
export type Permission = `${string}:${string}`;
