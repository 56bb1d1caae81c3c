// Which Prolific API base URLs the function and the construct accept: https, or plain http on a loopback host
// (local runs and tests), with no credentials, query or fragment.
import { describe, expect, it } from 'vitest';
import { apiBaseUrlProblem, DEFAULT_PROLIFIC_API_BASE_URL } from '../../../lambda/contract/environment.js';

describe('apiBaseUrlProblem', () => {
  it.each([DEFAULT_PROLIFIC_API_BASE_URL, 'https://proxy.example.com/prolific/', 'http://127.0.0.1:8080', 'http://localhost:1/', 'http://[::1]:9'])(
    'accepts %s',
    (url) => {
      expect(apiBaseUrlProblem(url)).toBeUndefined();
    },
  );

  it.each([
    ['api.prolific.com', 'is not a URL; expected e.g. https://api.prolific.com'],
    ['http://api.prolific.com', 'must use https: (plain http: is accepted only for 127.0.0.1, localhost or [::1])'],
    ['http://127.0.0.2', 'must use https: (plain http: is accepted only for 127.0.0.1, localhost or [::1])'],
    ['ftp://localhost', 'must use https: (plain http: is accepted only for 127.0.0.1, localhost or [::1])'],
    ['https://user:pass@api.prolific.com', 'must not carry credentials, a query or a fragment'],
    ['https://api.prolific.com/?token=x', 'must not carry credentials, a query or a fragment'],
    ['https://api.prolific.com/#top', 'must not carry credentials, a query or a fragment'],
  ])('refuses %s: it %s', (url, problem) => {
    expect(apiBaseUrlProblem(url)).toBe(problem);
  });
});
