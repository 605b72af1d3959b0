/**
 * Backups in a versioned S3 bucket: one object per database (`<prefix><database>.dump`), each
 * backup a new version of it. Versioning is the history and the safety net: an overwritten or
 * deleted backup is still there as an earlier version, and `restore --version-id` reads it.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { BackupStore } from './config.ts';

/** The S3 half of `BackupStore`. */
export type S3Store = Extract<BackupStore, { kind: 's3' }>;

/** One stored backup: a version of the database's object. */
export interface BackupVersion {
  readonly versionId: string;
  /** When the store received it (its clock, not ours). */
  readonly lastModified: Date;
  readonly size: number;
  readonly isLatest: boolean;
}

/** The bucket has versioning off or suspended, so an overwrite would destroy a backup. */
export class VersioningOffError extends Error {
  constructor(bucket: string, status: string | undefined) {
    super(
      `bucket "${bucket}" has versioning ${status ?? 'never enabled'} and could not enable it: backups need a versioned bucket (aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled)`,
    );
    this.name = 'VersioningOffError';
  }
}

/** An S3 client for `store`: path-style addressing for an S3-compatible endpoint. */
export function s3ClientFor(store: S3Store): S3Client {
  return new S3Client({
    region: store.region,
    ...(store.endpoint ? { endpoint: store.endpoint, forcePathStyle: true } : {}),
  });
}

/** The backups of the databases in one versioned bucket. */
export class BackupBucket {
  readonly #store: S3Store;
  readonly #s3: S3Client;

  constructor(store: S3Store, client: S3Client = s3ClientFor(store)) {
    this.#store = store;
    this.#s3 = client;
  }

  /** The object key whose versions are `database`'s backups. */
  keyOf(database: string): string {
    return `${this.#store.prefix}${database}.dump`;
  }

  /**
   * Creates the bucket when missing and turns versioning on; throws VersioningOffError when the
   * store does not report it enabled afterwards (never uploads into an unversioned bucket).
   */
  async ensureVersioned(): Promise<void> {
    const Bucket = this.#store.bucket;
    const exists = await this.#s3.send(new HeadBucketCommand({ Bucket })).then(
      () => true,
      (error: { $metadata?: { httpStatusCode?: number } }) => {
        if (error.$metadata?.httpStatusCode === 404) return false;
        throw error;
      },
    );
    if (!exists) await this.#s3.send(new CreateBucketCommand({ Bucket }));
    const before = await this.#s3.send(new GetBucketVersioningCommand({ Bucket }));
    if (before.Status === 'Enabled') return;
    await this.#s3.send(
      new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const after = await this.#s3.send(new GetBucketVersioningCommand({ Bucket }));
    if (after.Status !== 'Enabled') throw new VersioningOffError(Bucket, after.Status);
  }

  /** Uploads `file` as the newest backup of `database`; resolves to its version id. */
  async upload(database: string, file: string, takenAt: Date): Promise<string> {
    const { size } = await stat(file);
    const result = await this.#s3.send(
      new PutObjectCommand({
        Bucket: this.#store.bucket,
        Key: this.keyOf(database),
        Body: createReadStream(file),
        ContentLength: size,
        ContentType: 'application/octet-stream',
        Metadata: { 'taken-at': takenAt.toISOString(), database },
      }),
    );
    if (!result.VersionId) throw new VersioningOffError(this.#store.bucket, 'not reported on upload');
    return result.VersionId;
  }

  /** `database`'s backups, newest first (delete markers left out). */
  async versions(database: string): Promise<BackupVersion[]> {
    const key = this.keyOf(database);
    const found: BackupVersion[] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    do {
      const page = await this.#s3.send(
        new ListObjectVersionsCommand({
          Bucket: this.#store.bucket,
          Prefix: key,
          KeyMarker,
          VersionIdMarker,
        }),
      );
      for (const v of page.Versions ?? []) {
        if (v.Key !== key || !v.VersionId) continue;
        found.push({
          versionId: v.VersionId,
          lastModified: v.LastModified ?? new Date(0),
          size: v.Size ?? 0,
          isLatest: v.IsLatest ?? false,
        });
      }
      KeyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      VersionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (KeyMarker);
    // S3 lists a key's versions newest first; LastModified has only second resolution, so the
    // listing's order, not the timestamp, decides between two backups of the same second.
    return found;
  }

  /** Downloads one backup of `database` (default: the newest version) into `file`. */
  async download(database: string, file: string, versionId?: string): Promise<void> {
    const object = await this.#s3.send(
      new GetObjectCommand({ Bucket: this.#store.bucket, Key: this.keyOf(database), VersionId: versionId }),
    );
    if (!object.Body) throw new Error(`s3://${this.#store.bucket}/${this.keyOf(database)} has no body`);
    await pipeline(object.Body as Readable, createWriteStream(file));
  }

  /**
   * Permanently deletes all but the `keep` newest versions of `database`'s backup; resolves to
   * the deleted version ids. (A bucket lifecycle rule, NoncurrentVersionExpiration, does the same
   * on AWS without this call.)
   */
  async pruneVersions(database: string, keep: number): Promise<string[]> {
    const old = (await this.versions(database)).slice(keep);
    for (const version of old) {
      await this.#s3.send(
        new DeleteObjectCommand({
          Bucket: this.#store.bucket,
          Key: this.keyOf(database),
          VersionId: version.versionId,
        }),
      );
    }
    return old.map((v) => v.versionId);
  }
}
