export * from './MailIdentity';
