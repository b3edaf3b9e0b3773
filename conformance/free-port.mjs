// Prints a free TCP port on 127.0.0.1 (for the server the CI steps start).
import { createServer } from 'node:net';

const s = createServer().listen(0, '127.0.0.1', () => {
  console.log(s.address().port);
  s.close();
});
