import {
  HAPI_REQUEST,
  KOA_CONTEXT,
  MOUNT_TEMPLATE,
  ROUTE_TEMPLATE,
  normaliseMethod,
  routeTemplate,
  splitHostPort,
} from '../src/http/utils.ts';

describe('route templates', () => {
  it('uses the matched express route, never the raw path', () => {
    expect(routeTemplate({ route: { path: '/users/:id' }, baseUrl: '' })).toBe('/users/:id');
  });

  it('prefixes a static mount path', () => {
    expect(routeTemplate({ route: { path: '/:id' }, baseUrl: '/api/v1/orders' })).toBe('/api/v1/orders/:id');
  });

  it('never turns an id in a mount path into a label value', () => {
    expect(routeTemplate({ route: { path: '/posts' }, baseUrl: '/users/12345' })).toBe('/users/:param/posts');
    expect(routeTemplate({ route: { path: '/' }, baseUrl: '/t/3f2b8c1e-9d4a-4b7e-8f00-1234567890ab' })).toBe(
      '/t/:param',
    );
  });

  it('prefers a recorded mount template', () => {
    expect(
      routeTemplate({ route: { path: '/posts' }, baseUrl: '/users/ada', [MOUNT_TEMPLATE]: '/users/:user' }),
    ).toBe('/users/:user/posts');
  });

  it('has no template for requests no route matched, or served without a router', () => {
    expect(routeTemplate({ baseUrl: '' })).toBeUndefined();
    expect(routeTemplate({})).toBeUndefined();
  });

  it('reads the template fastify recorded, koa’s matched route and hapi’s route path', () => {
    expect(routeTemplate({ [ROUTE_TEMPLATE]: '/users/:id' })).toBe('/users/:id');
    expect(routeTemplate({ [KOA_CONTEXT]: { _matchedRoute: '/orgs/:orgId' } })).toBe('/orgs/:orgId');
    expect(routeTemplate({ [KOA_CONTEXT]: {} })).toBeUndefined();
    expect(routeTemplate({ [HAPI_REQUEST]: { route: { path: '/users/{id}', method: 'get' } } })).toBe(
      '/users/{id}',
    );
  });

  it('does not take hapi’s not-found route for a template', () => {
    expect(
      routeTemplate({ [HAPI_REQUEST]: { route: { path: '/{p*}', method: '_special' } } }),
    ).toBeUndefined();
  });

  it('describes regular-expression and array routes', () => {
    expect(routeTemplate({ route: { path: /^\/v\d+$/ } })).toBe('/^\\/v\\d+$/');
    expect(routeTemplate({ route: { path: ['/a', '/b'] } })).toBe('/a|/b');
  });
});

describe('normaliseMethod', () => {
  it('keeps known methods and folds anything else into _OTHER', () => {
    expect(normaliseMethod('GET')).toBe('GET');
    expect(normaliseMethod('post')).toBe('POST');
    expect(normaliseMethod('BREW')).toBe('_OTHER');
    expect(normaliseMethod(undefined)).toBe('_OTHER');
  });
});

describe('splitHostPort', () => {
  it('splits host headers', () => {
    expect(splitHostPort('example.com:8080')).toEqual({ address: 'example.com', port: 8080 });
    expect(splitHostPort('[::1]:3000')).toEqual({ address: '[::1]', port: 3000 });
    expect(splitHostPort('example.com')).toEqual({ address: 'example.com', port: undefined });
  });
});
