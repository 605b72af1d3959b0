/**
 * Apache Kafka in KRaft mode (no ZooKeeper) from Maven Central's jars, on the machine's Java:
 * one node, or a cluster of nodes that are each controller and broker, on free loopback ports,
 * with their data and logs in a directory of the caller's. Storage is formatted with
 * `kafka.tools.StorageTool` before the first start; a stopped node starts again on the same
 * ports and data, so clients keep their bootstrap list across a broker restart.
 */
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { programPath } from './binaries.ts';
import { childEnv } from './config.ts';
import { kafkaAnswers } from './kafkaProbe.ts';
import { freePorts } from './ports.ts';
import { startBackend, type BackendProcess } from './process.ts';
import { findJavaHome } from './toolchain.ts';
import { BACKENDS } from './versions.ts';

const run = promisify(execFile);
const HOST = '127.0.0.1';

/** Options of {@link startKafka}. */
export interface KafkaOptions {
  /** Directory for each node's data, config and log (created). */
  dir: string;
  /** Number of nodes, each controller and broker (default 1). */
  brokers?: number;
  /** JVM heap of each node in MiB (default 384). */
  heapMiB?: number;
  /** Extra `server.properties` settings for every node (they win over the defaults). */
  settings?: Readonly<Record<string, string>>;
}

/** One node of a running cluster. */
export interface KafkaBroker {
  readonly nodeId: number;
  /** `127.0.0.1:port` of its client listener. */
  readonly address: string;
  /** Whether its process is alive. */
  readonly running: boolean;
  /** The process, while running. */
  readonly process: BackendProcess | undefined;
  /** Stops it (SIGTERM, a controlled shutdown; SIGKILL after the grace period). */
  stop(): Promise<void>;
  /** Kills it at once (SIGKILL): a crash, no controlled shutdown. */
  kill(): Promise<void>;
  /** Starts it again on the same ports and data; resolves once it serves. */
  start(): Promise<void>;
}

/** A running Kafka cluster. */
export interface RunningKafka {
  /** Every node's client address, comma-separated: what `bootstrap.servers` takes. */
  readonly bootstrap: string;
  /** The same as a list (kafkajs's `brokers`). */
  readonly bootstrapServers: readonly string[];
  readonly brokers: readonly KafkaBroker[];
  /** Stops every node. */
  stop(): Promise<void>;
}

interface NodePorts {
  readonly client: number;
  readonly controller: number;
}

/** The defaults that make a small cluster behave like a production one would for our tests. */
function serverProperties(
  nodeId: number,
  ports: readonly NodePorts[],
  dataDir: string,
  extra: Readonly<Record<string, string>>,
): string {
  const size = ports.length;
  const own = ports[nodeId - 1]!;
  const settings: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': String(nodeId),
    'controller.quorum.voters': ports.map((p, i) => `${i + 1}@${HOST}:${p.controller}`).join(','),
    listeners: `PLAINTEXT://${HOST}:${own.client},CONTROLLER://${HOST}:${own.controller}`,
    'advertised.listeners': `PLAINTEXT://${HOST}:${own.client}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': dataDir,
    'num.partitions': '1',
    'offsets.topic.replication.factor': String(Math.min(3, size)),
    'offsets.topic.num.partitions': '10',
    'transaction.state.log.replication.factor': String(Math.min(3, size)),
    'transaction.state.log.min.isr': String(Math.min(2, size)),
    'transaction.state.log.num.partitions': '10',
    // A consumer group forms at once instead of waiting 3 s for more members.
    'group.initial.rebalance.delay.ms': '0',
    // Topics exist because someone created them, so a typo is an error rather than a new topic.
    'auto.create.topics.enable': 'false',
    ...extra,
  };
  return `${Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

const LOG4J = `rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
`;

/**
 * A Kafka cluster id: 16 random bytes, base64url without padding, as `random-uuid` prints. Like
 * Kafka's own `Uuid.randomUuid`, never one that starts with `-`: the storage tool's argument
 * parser would read it as an option.
 */
export function newClusterId(random: () => Buffer = () => randomBytes(16)): string {
  for (;;) {
    const id = random().toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

interface NodeFiles {
  readonly config: string;
  readonly log4j: string;
  readonly logFile: string;
}

async function writeNodeFiles(
  dir: string,
  nodeId: number,
  ports: readonly NodePorts[],
  extra: Readonly<Record<string, string>>,
): Promise<NodeFiles> {
  const home = path.join(dir, `node-${nodeId}`);
  await mkdir(path.join(home, 'data'), { recursive: true });
  const files = {
    config: path.join(home, 'server.properties'),
    log4j: path.join(home, 'log4j2.properties'),
    logFile: path.join(home, 'kafka.log'),
  };
  await writeFile(files.config, serverProperties(nodeId, ports, path.join(home, 'data'), extra));
  await writeFile(files.log4j, LOG4J);
  return files;
}

class Node implements KafkaBroker {
  readonly nodeId: number;
  readonly address: string;
  #process: BackendProcess | undefined;
  readonly #java: string;
  readonly #jvmArgs: readonly string[];
  readonly #files: NodeFiles;
  readonly #port: number;

  constructor(nodeId: number, port: number, java: string, jvmArgs: readonly string[], files: NodeFiles) {
    this.nodeId = nodeId;
    this.#port = port;
    this.address = `${HOST}:${port}`;
    this.#java = java;
    this.#jvmArgs = jvmArgs;
    this.#files = files;
  }

  get running(): boolean {
    return this.#process?.running ?? false;
  }

  get process(): BackendProcess | undefined {
    return this.#process;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.#process = await startBackend({
      name: `kafka node ${this.nodeId}`,
      command: this.#java,
      args: [
        ...this.#jvmArgs,
        `-Dlog4j2.configurationFile=${this.#files.log4j}`,
        'kafka.Kafka',
        this.#files.config,
      ],
      logFile: this.#files.logFile,
      ready: () => kafkaAnswers(HOST, this.#port),
      readyTimeoutMs: 120_000,
      stopTimeoutMs: 20_000,
    });
  }

  async stop(): Promise<void> {
    await this.#process?.stop();
  }

  async kill(): Promise<void> {
    const child = this.#process;
    if (!child?.running) return;
    process.kill(child.pid, 'SIGKILL');
    await child.stop();
  }
}

/**
 * Formats and starts a Kafka cluster of `brokers` nodes (default 1) and resolves once every node
 * answers clients. Internal topics are replicated over up to 3 nodes (min.insync 2 when there
 * are 3); topics are not created automatically. Rejects, with the failing node's log, when a
 * node does not start within 2 minutes; throws a ToolchainError without Java 17+.
 */
export async function startKafka(options: KafkaOptions): Promise<RunningKafka> {
  const libs = programPath('kafka', 'libs');
  const javaHome = findJavaHome(BACKENDS.kafka.minJava, 'Kafka');
  const java = path.join(javaHome, 'bin', 'java');
  const size = options.brokers ?? 1;
  // Distinct ports: two freePort() calls in a row may return the same one.
  const free = await freePorts(2 * size);
  const ports: NodePorts[] = Array.from({ length: size }, (_, i) => ({
    client: free[2 * i]!,
    controller: free[2 * i + 1]!,
  }));
  const heap = options.heapMiB ?? 384;
  const jvmArgs = [
    `-Xms${heap}m`,
    `-Xmx${heap}m`,
    // Small, short-lived brokers on a shared machine: the simplest collector, and less JIT work.
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-cp',
    `${libs}/*`,
  ];
  const clusterId = newClusterId();
  const files = await Promise.all(
    ports.map((_, i) => writeNodeFiles(options.dir, i + 1, ports, options.settings ?? {})),
  );
  await Promise.all(
    files.map(async ({ config, log4j }) => {
      const args = [...jvmArgs, `-Dlog4j2.configurationFile=${log4j}`, 'kafka.tools.StorageTool'];
      await run(java, [...args, 'format', '-t', clusterId, '-c', config], { env: childEnv() }).catch(
        (error: { stderr?: string; message: string }) => {
          throw new Error(
            `kafka storage format failed for ${config}: ${(error.stderr || error.message).trim()}`,
          );
        },
      );
    }),
  );
  const nodes = files.map((nodeFiles, i) => new Node(i + 1, ports[i]!.client, java, jvmArgs, nodeFiles));
  const stopAll = () => Promise.all(nodes.map((node) => node.stop())).then(() => undefined);
  try {
    // In parallel: a node of a cluster only becomes ready once a quorum of controllers is up.
    await Promise.all(nodes.map((node) => node.start()));
  } catch (error) {
    await stopAll();
    throw error;
  }
  const bootstrapServers = nodes.map((node) => node.address);
  return { bootstrap: bootstrapServers.join(','), bootstrapServers, brokers: nodes, stop: stopAll };
}
