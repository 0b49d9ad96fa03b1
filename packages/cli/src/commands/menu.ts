import { AutomockCommand } from '../base-command';
import { exitCodes } from '../errors';
import { loadHelpClass } from '@oclif/core';
import { runMenuIfInteractive } from '../services/menu';

export default class Menu extends AutomockCommand {
  static override summary =
    'The interactive menu: deploy, update, status, extend, destroy, run locally.';

  static override description = `What \`automock\` without arguments opens on a terminal. Each entry asks for its command's flags, shows the command line and runs that command (with its own checks and confirmations); the menu comes back until Quit. Entries whose command is not installed are not shown. Off a terminal it prints the help instead.`;

  static override examples = ['<%= config.bin %>', '<%= config.bin %> <%= command.id %>'];

  static exitCodes = exitCodes();

  async run(): Promise<void> {
    await this.parse(Menu);
    if (await runMenuIfInteractive(this.config, {}, this)) return;
    const Help = await loadHelpClass(this.config);
    await new Help(this.config).showHelp([]);
  }
}
