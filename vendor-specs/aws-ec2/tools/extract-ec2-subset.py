#!/usr/bin/env python3
"""Re-extracts vendor-specs/aws-ec2/ec2-2016-11-15.subset.botocore-1.43.11.json from an installed
botocore 1.43.11 (pip install botocore==1.43.11): the operations below, the transitive closure of
their shapes, and their paginators, waiters and examples, all verbatim. Add an operation to
OPERATIONS and run it again; nothing else in the file is written by hand."""
import gzip, json, os, sys
import botocore

OPERATIONS = [
    'RunInstances', 'DescribeInstances', 'TerminateInstances', 'CreateSnapshot', 'DescribeSnapshots', 'DeleteSnapshot',
    'DescribeSpotPriceHistory', 'DescribeAvailabilityZones', 'DescribeInstanceTypes', 'CreateFleet', 'DescribeInstanceStatus',
    'CreateTags', 'DescribeTags', 'StartInstances', 'StopInstances',
    # Added with issue 10: zones per type, subnets per zone, launch templates, volumes, spot requests.
    'DescribeInstanceTypeOfferings', 'DescribeSubnets', 'DescribeVpcs', 'CreateLaunchTemplate', 'DescribeLaunchTemplates',
    'DeleteLaunchTemplate', 'CreateVolume', 'DescribeVolumes', 'AttachVolume', 'DetachVolume', 'DeleteVolume', 'DeleteTags',
    'DescribeSpotInstanceRequests', 'CancelSpotInstanceRequests',
]
VERSION = '1.43.11'

if botocore.__version__ != VERSION:
    sys.exit(f'botocore {botocore.__version__} installed; this extract is of {VERSION}')
data = os.path.join(os.path.dirname(botocore.__file__), 'data', 'ec2', '2016-11-15')
service = json.load(gzip.open(os.path.join(data, 'service-2.json.gz')))
def load(name):
    path = os.path.join(data, name)
    if os.path.exists(path + '.gz'):
        return json.load(gzip.open(path + '.gz'))
    return json.load(open(path))
paginators = load('paginators-1.json')['pagination']
waiters = load('waiters-2.json')['waiters']
examples = load('examples-1.json')['examples']

shapes = {}
def visit(name):
    if name in shapes:
        return
    shape = service['shapes'][name]
    shapes[name] = shape
    for member in shape.get('members', {}).values():
        visit(member['shape'])
    for key in ('member', 'key', 'value'):
        if key in shape:
            visit(shape[key]['shape'])

operations = {}
for op in OPERATIONS:
    operations[op] = service['operations'][op]
    for key in ('input', 'output'):
        if key in operations[op]:
            visit(operations[op][key]['shape'])
    for error in operations[op].get('errors', []):
        visit(error['shape'])

out_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', f'ec2-2016-11-15.subset.botocore-{VERSION}.json')
out = {
    '_about': f"Subset of the AWS EC2 API model (botocore JSON model format, protocol 'ec2' = AWS Query over HTTP POST, XML responses). Extracted verbatim (operations + the transitive closure of their input/output shapes, with documentation) from botocore {VERSION} data/ec2/2016-11-15/service-2.json.gz, plus the matching paginators, waiters and examples, by tools/extract-ec2-subset.py. Operations: {', '.join(OPERATIONS)}.",
    'metadata': service['metadata'],
    'version': service.get('version', '2.0'),
    'operations': operations,
    'shapes': dict(sorted(shapes.items())),
    'paginators': {op: paginators[op] for op in OPERATIONS if op in paginators},
    'waiters': {name: w for name, w in waiters.items() if w['operation'] in OPERATIONS},
    'examples': {op: examples[op] for op in OPERATIONS if op in examples},
}
with open(out_path, 'w') as f:
    json.dump(out, f, indent=1, ensure_ascii=False)
    f.write('\n')
print(f'{len(operations)} operations, {len(shapes)} shapes -> {out_path}')
