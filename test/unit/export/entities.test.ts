// Which service or datastore a record's own naming refers to, for the windowed samples.
import { describe, expect, it } from 'vitest';
import { EntityResolver } from '../../../src/export/entities.js';
import { EDGE_DOMAIN } from '../../../src/model/topology.js';
import { defaultConfig } from '../../support/world.js';

describe('EntityResolver', () => {
  const services = defaultConfig().services;
  const resolver = new EntityResolver(services);

  it('maps the AWS and exporter names of the shop to its services and datastores', () => {
    const edge = services.aws.alb.target_service;
    expect(resolver.resolve(services.aws.alb.name)).toBe(edge);
    // The blackbox probe of the public endpoint (where a certificate expiry shows) is the edge's.
    expect(resolver.resolve(`https://${EDGE_DOMAIN}`)).toBe(edge);
    expect(resolver.resolve(services.aws.rds.instance_id)).toBe(resolver.entities.find((e) => services.datastores.find((d) => d.name === e)?.managed_by === 'rds'));
    for (const s of services.services) expect(resolver.resolve(s.name)).toBe(s.name);
  });

  it('leaves nodes and unknown names out', () => {
    expect(resolver.resolve(services.nodes[0]!.name)).toBeUndefined();
    expect(resolver.resolve('https://elsewhere.example.org')).toBeUndefined();
    expect(resolver.resolve(undefined)).toBeUndefined();
  });
});
