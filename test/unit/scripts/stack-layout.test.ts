import { readStackLayout, stackPorts } from '../../../scripts/lib/stack-layout';

describe('readStackLayout', () => {
  it('takes the ports from firebase.json: functions consecutive from emulators.functions.port, the sandbox 100 above', () => {
    const layout = readStackLayout(undefined, {});
    expect(layout).toEqual({ host: '127.0.0.1', firestorePort: 8080, pubsubPort: 8085, functionsBasePort: 5001, sandboxGooglePort: 5101 });
    expect(stackPorts(layout).sort()).toEqual([5001, 5002, 5003, 5004, 5005, 5006, 5007, 5008, 5009, 5010, 5101, 8080, 8085]);
  });

  it('moves every port up by LOCAL_PORT_OFFSET', () => {
    const base = stackPorts(readStackLayout(undefined, {}));
    const moved = readStackLayout(undefined, { LOCAL_PORT_OFFSET: '12000' });
    expect(moved.firestorePort).toBe(20080);
    expect(stackPorts(moved)).toEqual(base.map((port) => port + 12000));
  });

  it.each(['-1', '1.5', 'x', '', ' 7', '57451'])('refuses LOCAL_PORT_OFFSET=%j, naming the variable', (value) => {
    expect(() => readStackLayout(undefined, { LOCAL_PORT_OFFSET: value })).toThrow(/^LOCAL_PORT_OFFSET must be a whole number from 0 to 57450/);
  });

  it('accepts the largest offset that keeps every port valid', () => {
    expect(Math.max(...stackPorts(readStackLayout(undefined, { LOCAL_PORT_OFFSET: '57450' })))).toBe(65_535);
  });
});
