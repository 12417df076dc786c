// The API surface a request may reach (docs/shim-protocol.md, "API surface"). Platform neutral.
//
// A path resolves only through the module's own exported members, the own data members of the plain
// objects it exports (enums), and the methods of the classes it exports (`Class.method` names the
// instances' method) and of the objects they create. Names that lead out of the API (constructor, __proto__, ...) and values that run code
// (Function, eval, globalThis, process, require) are refused with `bad_params` naming the path.

import { RpcError } from './session.js';

/** Member names that never belong to an API: each leads to the language's machinery. */
export const FORBIDDEN_NAMES = new Set(['constructor', 'prototype', '__proto__', 'caller', 'arguments']);

/** Values a request must never obtain: each of them runs arbitrary code or reaches everything. */
function forbiddenValues() {
  const values = [Function, eval, globalThis, Object, Reflect, Function.prototype, Object.prototype];
  for (const name of ['process', 'require', 'module', 'Deno', 'Bun']) {
    if (globalThis[name] !== undefined) {
      values.push(globalThis[name]);
    }
  }
  const makers = [async function () {}, function* () {}, async function* () {}];
  for (const maker of makers) {
    values.push(Object.getPrototypeOf(maker).constructor);
  }
  return new Set(values);
}

const FORBIDDEN_VALUES = forbiddenValues();

function refuse(path, why) {
  return new RpcError('bad_params', `${path}: ${why}`);
}

function checkName(part, path) {
  if (part === '' || FORBIDDEN_NAMES.has(part)) {
    throw refuse(path, `${JSON.stringify(part)} is not part of the API`);
  }
}

function checkValue(value, path) {
  if (FORBIDDEN_VALUES.has(value)) {
    throw refuse(path, 'reaches the runtime (Function, eval, globalThis, process or require), not the API');
  }
  return value;
}

function own(object, part) {
  const isObject = object !== null && (typeof object === 'object' || typeof object === 'function');
  return isObject ? Object.getOwnPropertyDescriptor(object, part) : undefined;
}

/** The value of `module`'s own member `part` (undefined if it has none); its own getters are API. */
function exportOf(module, part, path) {
  const descriptor = own(module, part);
  if (descriptor === undefined) {
    return undefined;
  }
  try {
    return 'value' in descriptor ? descriptor.value : module[part];
  } catch (err) {
    throw refuse(path, `reading it threw: ${err && err.message}`);
  }
}

/**
 * The own data member `part` of an exported object or class (an enum value), else, for a class, the
 * method `part` of its instances (`GallerySync.on`: its prototype chain below Object.prototype);
 * undefined if none.
 */
function dataOf(object, part, path) {
  const descriptor = own(object, part);
  if (descriptor === undefined) {
    return typeof object === 'function' ? prototypeMethod(object.prototype, part, path) : undefined;
  }
  if (!('value' in descriptor)) {
    throw refuse(path, 'is a getter, not an API member');
  }
  return descriptor.value;
}

/**
 * The value at dotted `path` inside `module` (named `moduleName` in messages); `''` is the module.
 */
export function resolveExport(module, path, moduleName) {
  if (path === '') {
    return module;
  }
  const full = `${moduleName}.${path}`;
  let current = module;
  let walked = moduleName;
  for (const [index, part] of path.split('.').entries()) {
    checkName(part, full);
    const here = `${walked}.${part}`;
    if (current === null || current === undefined) {
      throw refuse(here, `${walked} is ${current}`);
    }
    current = checkValue(index === 0 ? exportOf(module, part, here) : dataOf(current, part, here), here);
    walked = here;
  }
  return current;
}

/**
 * The method `member` of an invoke target: an own function member of a module, or a method of an
 * object created from an exported class (own, or on its prototype chain below Object.prototype).
 */
export function methodOf(target, member, key, isModule) {
  const path = `${key}.${member}`;
  checkName(member, path);
  let fn;
  if (isModule) {
    fn = exportOf(target, member, path);
  } else {
    fn = prototypeMethod(target, member, path);
  }
  if (typeof fn !== 'function') {
    throw new RpcError('bad_params', `${path} is not a function (it is ${typeof fn})`);
  }
  return checkValue(fn, path);
}

function prototypeMethod(target, member, path) {
  let holder = target;
  while (holder !== null && holder !== undefined && holder !== Object.prototype) {
    const descriptor = own(holder, member);
    if (descriptor !== undefined) {
      if (!('value' in descriptor)) {
        throw refuse(path, 'is a getter, not an API method');
      }
      return descriptor.value;
    }
    holder = Object.getPrototypeOf(holder);
  }
  return undefined;
}

/** An exported class resolved by `resolveExport`, checked to be constructible API. */
export function classOf(module, path, moduleName) {
  if (path === '') {
    throw refuse(moduleName, 'class must name an exported class');
  }
  const cls = resolveExport(module, path, moduleName);
  if (typeof cls !== 'function') {
    throw new RpcError('bad_params', `${moduleName}.${path} is not a class (it is ${typeof cls})`);
  }
  return cls;
}
