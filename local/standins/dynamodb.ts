// A DynamoDB stand-in for the calls Powertools' idempotency persistence makes (PutItem with a condition,
// GetItem, UpdateItem with SET, DeleteItem), over the JSON 1.0 protocol, with items kept in memory. Condition
// expressions: OR, AND, parentheses, attribute_exists, attribute_not_exists, `=` and `<`; nothing else.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { asServiceError, clientError, listenOnLoopback, readBody, standInEnvironment, type JsonObject } from './aws-json.js';

type AttributeValue = Readonly<Record<string, unknown>>;
type Item = Record<string, AttributeValue>;

interface Request extends JsonObject {
  readonly TableName?: string;
  readonly Key?: Item;
  readonly Item?: Item;
  readonly ConditionExpression?: string;
  readonly UpdateExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: Item;
  readonly ReturnValuesOnConditionCheckFailure?: string;
}

export interface DynamoDbStandIn {
  readonly endpoint: string;
  /** The operations called, in order, e.g. `PutItem`. */
  readonly calls: readonly string[];
  /** The items of `table`, as stored (attribute values). */
  items(table: string): Item[];
  /** Environment for a process whose SDK client should reach this stand-in. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

class ConditionalCheckFailed extends Error {
  constructor(readonly item: Item | undefined) {
    super('The conditional request failed');
  }
}

/** Starts the stand-in; its tables are keyed on one partition key attribute (Powertools' default, `id`). */
export async function startDynamoDbStandIn(keyAttribute = 'id'): Promise<DynamoDbStandIn> {
  const tables = new Map<string, Map<string, Item>>();
  const calls: string[] = [];
  const tableOf = (name = '') => {
    const table = tables.get(name) ?? new Map<string, Item>();
    tables.set(name, table);
    return table;
  };
  const keyOf = (itemOrKey: Item | undefined) => JSON.stringify(itemOrKey?.[keyAttribute] ?? null);

  const operations: Record<string, (input: Request) => JsonObject> = {
    GetItem: (input) => {
      const item = tableOf(input.TableName).get(keyOf(input.Key));
      return item ? { Item: item } : {};
    },
    PutItem: (input) => {
      const item = input.Item ?? {};
      const table = tableOf(input.TableName);
      const existing = table.get(keyOf(item));
      if (input.ConditionExpression !== undefined && !conditionHolds(input.ConditionExpression, existing, input)) {
        throw new ConditionalCheckFailed(input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' ? existing : undefined);
      }
      table.set(keyOf(item), item);
      return {};
    },
    UpdateItem: (input) => {
      const table = tableOf(input.TableName);
      const item = { ...(table.get(keyOf(input.Key)) ?? input.Key ?? {}) };
      for (const assignment of (input.UpdateExpression ?? '').replace(/^SET\s+/i, '').split(',')) {
        const [name = '', value = ''] = assignment.split('=').map((part) => part.trim());
        item[input.ExpressionAttributeNames?.[name] ?? name] = input.ExpressionAttributeValues?.[value] ?? {};
      }
      table.set(keyOf(input.Key), item);
      return {};
    },
    DeleteItem: (input) => {
      tableOf(input.TableName).delete(keyOf(input.Key));
      return {};
    },
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const operation = String(request.headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, '');
    calls.push(operation);
    try {
      const run = operations[operation];
      if (!run) throw clientError('UnknownOperationException', `The stand-in does not implement ${operation}.`);
      send(response, 200, run(JSON.parse(body) as Request));
    } catch (error) {
      if (error instanceof ConditionalCheckFailed) {
        const type = 'ConditionalCheckFailedException';
        const item = error.item ? { Item: error.item } : {};
        send(response, 400, { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: error.message, ...item });
        return;
      }
      const failure = asServiceError(error);
      send(response, failure.status, { __type: failure.type, message: failure.message });
    }
  }

  const { endpoint, close } = await listenOnLoopback(handle);
  return {
    endpoint,
    calls,
    items: (table) => [...tableOf(table).values()],
    env: () => standInEnvironment('AWS_ENDPOINT_URL_DYNAMODB', endpoint),
    close,
  };
}

function send(response: ServerResponse, status: number, body: JsonObject): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() });
  response.end(JSON.stringify(body));
}

/** Whether `expression` holds for `item` (undefined: no item), with the request's names and values. */
function conditionHolds(expression: string, item: Item | undefined, input: Request): boolean {
  const tokens = expression.match(/\(|\)|<|=|[\w#:]+/g) ?? [];
  let position = 0;
  const next = () => tokens[position++] ?? '';
  const attribute = (token: string) => item?.[input.ExpressionAttributeNames?.[token] ?? token];
  const operand = (token: string) => (token.startsWith(':') ? input.ExpressionAttributeValues?.[token] : attribute(token));

  function disjunction(): boolean {
    let holds = conjunction();
    while (tokens[position]?.toUpperCase() === 'OR') {
      position++;
      holds = conjunction() || holds;
    }
    return holds;
  }
  function conjunction(): boolean {
    let holds = term();
    while (tokens[position]?.toUpperCase() === 'AND') {
      position++;
      holds = term() && holds;
    }
    return holds;
  }
  function term(): boolean {
    const token = next();
    if (token === '(') {
      const holds = disjunction();
      next();
      return holds;
    }
    if (token === 'attribute_exists' || token === 'attribute_not_exists') {
      next();
      const exists = attribute(next()) !== undefined;
      next();
      return token === 'attribute_exists' ? exists : !exists;
    }
    const comparator = next();
    const [left, right] = [operand(token), operand(next())];
    if (left === undefined || right === undefined) return false;
    if (comparator === '=') return JSON.stringify(left) === JSON.stringify(right);
    if (comparator === '<') return 'N' in left && 'N' in right ? Number(left.N) < Number(right.N) : String(left.S) < String(right.S);
    throw clientError('ValidationException', `The stand-in does not evaluate ${comparator}.`);
  }
  return disjunction();
}
