import { randomBytes } from 'node:crypto';
import { ROLES, type Role } from '@careloop/contracts';
import { type Command, InvalidArgumentError } from 'commander';
import { withCareloop } from '../context.ts';
import { say } from '../output.ts';

const role = (value: string): Role => {
  if (!(ROLES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`--role must be one of ${ROLES.join(', ')}.`);
  return value as Role;
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export function userCommand(program: Command): void {
  const user = program.command('user').description('Manage staff accounts');
  user
    .command('create')
    .description("Create a staff account; a new tenant's first account must be its owner")
    .requiredOption('--tenant <slug>', 'tenant (clinic network) slug; created with the first owner')
    .requiredOption('--email <e-mail>', 'sign-in e-mail')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, role, 'owner' as Role)
    .option('--name <name>', 'display name (defaults to the e-mail)')
    .option('--tenant-name <name>', 'clinic network name when the tenant is created')
    .option('--password-stdin', 'read the password from standard input instead of generating one')
    .action(
      async (opts: {
        tenant: string;
        email: string;
        role: Role;
        name?: string;
        tenantName?: string;
        passwordStdin?: boolean;
      }) => {
        const generated = !opts.passwordStdin;
        const password = opts.passwordStdin ? await readStdin() : randomBytes(15).toString('base64url');
        await withCareloop({ migrate: true, createKeys: true }, async (careloop) => {
          const { user: u, tenantCreated } = await careloop.staff.createFromCli({
            tenantSlug: opts.tenant,
            ...(opts.tenantName ? { tenantName: opts.tenantName } : {}),
            email: opts.email,
            displayName: opts.name ?? opts.email,
            role: opts.role,
            password,
          });
          if (tenantCreated) say(`Created tenant ${opts.tenant}.`);
          say(`Created ${u.role} account ${u.email}.`);
          if (generated) say(`Password (shown once, store it safely): ${password}`);
        });
      },
    );
}
