import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { JsonRpcModuleOptions } from './interfaces/json-rpc-module-options.interface.js';

export const {
  ConfigurableModuleClass: JsonRpcConfigurableModule,
  MODULE_OPTIONS_TOKEN: JSON_RPC_MODULE_OPTIONS,
  OPTIONS_TYPE: JSON_RPC_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: JSON_RPC_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<JsonRpcModuleOptions>()
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createJsonRpcOptions')
  // Global by default: JsonRpcServer (push) is injected all over an app.
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
