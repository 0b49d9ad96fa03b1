export * from './HttpApiGateway';
