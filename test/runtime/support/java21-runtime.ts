/**
 * What the managed `java21` runtime gives a function, reproduced for the emulator. Sources:
 * - AWS Lambda Developer Guide, "Customize Java runtime startup behavior": on Java 17 and Java 21 the runtime
 *   stops tiered compilation at level 1 by default, uses the serial garbage collector by default, and honours
 *   JAVA_TOOL_OPTIONS (the JVM itself reads that variable from the function's environment, so passing the
 *   environment through is all it takes).
 * - The memory limits and network flag of Lambda's Java runtime command line, as published from a process listing
 *   of the Java 11 runtime (`-XX:MaxHeapSize` at 85 % of the function's memory, `-XX:MaxMetaspaceSize` at 10 %,
 *   `-XX:ReservedCodeCacheSize` at 5 %, `-Djava.net.preferIPv4Stack=true`); AWS does not document them.
 * - `-Xshare:auto`: class data sharing from the JDK's default archive, the JVM's own default, stated explicitly.
 * There is no Java 21 on the machines this project is tested on: the JVM is the host's (Java 17, the runner's
 * bytecode level), mounted where the runtime has its own, /var/lang.
 */
export function java21JvmOptions(memorySizeMb: number): string[] {
  const kib = memorySizeMb * 1024;
  return [
    `-XX:MaxHeapSize=${Math.floor(kib * 0.85)}k`,
    `-XX:MaxMetaspaceSize=${Math.floor(kib * 0.1)}k`,
    `-XX:ReservedCodeCacheSize=${Math.floor(kib * 0.05)}k`,
    '-XX:+UseSerialGC',
    '-Xshare:auto',
    '-XX:+TieredCompilation',
    '-XX:TieredStopAtLevel=1',
    '-Djava.net.preferIPv4Stack=true',
  ];
}

/** The runtime interface client's entry point; the managed runtime puts it on the class path from /var/runtime/lib. */
export const RUNTIME_CLIENT_CLASSPATH = '/var/runtime/lib/*';
export const RUNTIME_CLIENT_MAIN = 'com.amazonaws.services.lambda.runtime.api.client.AWSLambda';

/** The variables Lambda itself sets in a java21 function's environment (reserved: a function cannot set them). */
export function lambdaReservedEnvironment(options: {
  functionName: string;
  handler: string;
  region: string;
  memorySizeMb: number;
  timeoutSeconds: number;
  logFormat?: string;
}): Record<string, string> {
  return {
    _HANDLER: options.handler,
    AWS_EXECUTION_ENV: 'AWS_Lambda_java21',
    AWS_REGION: options.region,
    AWS_DEFAULT_REGION: options.region,
    AWS_LAMBDA_FUNCTION_NAME: options.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memorySizeMb),
    AWS_LAMBDA_FUNCTION_TIMEOUT: String(options.timeoutSeconds),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${options.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/01/01/[$LATEST]emulator',
    ...(options.logFormat ? { AWS_LAMBDA_LOG_FORMAT: options.logFormat } : {}),
    // The execution role's temporary credentials; moto accepts any.
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
    LAMBDA_TASK_ROOT: '/var/task',
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
    LD_LIBRARY_PATH: '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
  };
}
