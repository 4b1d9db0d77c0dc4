// Release naming: CalVer with the minute of the deploy (2026.11.28-1432), the way many shops
// tag images from CI, plus a short commit sha derived from it.
import { hashString, hex32 } from '../random/rng.js';

export function calver(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 4)}.${iso.slice(5, 7)}.${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}

export function commitSha(service: string, version: string): string {
  return (hex32(hashString(`${service}@${version}`)) + hex32(hashString(`${version}#${service}`))).slice(0, 7);
}
