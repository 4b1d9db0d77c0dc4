// A loopback port nobody listens on right now, for the servers obsynth starts (the private
// Prometheus of `alerts test`) and the tests' backends. Another process can still take it
// before it is used: callers that start a server retry on "address in use".
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('cannot read the port of a loopback listener'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}
