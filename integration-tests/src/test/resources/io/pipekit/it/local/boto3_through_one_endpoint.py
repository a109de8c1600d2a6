"""Drives pipekit's local stack with boto3 and nothing but AWS_ENDPOINT_URL (plus region and dummy
credentials) in the environment: queues, a stream, a table, a Kinesis -> SQS pipe, a DynamoDB -> SQS
pipe and an EventBridge rule -> SQS; then puts records, an item and events and receives them all.
Prints one JSON line per step and `OK <summary>` at the end; exits 1 with the reason otherwise."""
import json
import os
import sys
import time

import boto3

ENDPOINT = os.environ["AWS_ENDPOINT_URL"]
ROLE = "arn:aws:iam::000000000000:role/boto3-pipe"
DEADLINE = time.monotonic() + float(os.environ.get("BOTO3_TEST_TIMEOUT", "120"))


def step(name, **facts):
    print(json.dumps({"step": name, **facts}), flush=True)


def until(what, check, interval=0.2):
    while time.monotonic() < DEADLINE:
        value = check()
        if value:
            return value
        time.sleep(interval)
    sys.exit(f"timed out waiting for {what}")


# no endpoint_url anywhere: AWS_ENDPOINT_URL is the only pointer to the stack
sqs, kinesis, dynamodb = boto3.client("sqs"), boto3.client("kinesis"), boto3.client("dynamodb")
pipes, events = boto3.client("pipes"), boto3.client("events")
for client in (sqs, kinesis, dynamodb, pipes, events):
    assert client.meta.endpoint_url == ENDPOINT, (client.meta.service_model.service_name, client.meta.endpoint_url)

queues = {}
for source in ("kinesis", "dynamodb", "bus"):
    url = sqs.create_queue(QueueName=f"boto3-from-{source}")["QueueUrl"]
    if not url.startswith(ENDPOINT + "/"):
        sys.exit(f"queue URL {url} does not name the endpoint {ENDPOINT}")
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queues[source] = (url, arn)
step("queues", urls=[u for u, _ in queues.values()])

kinesis.create_stream(StreamName="boto3-stream", ShardCount=2)
kinesis.get_waiter("stream_exists").wait(StreamName="boto3-stream", WaiterConfig={"Delay": 1, "MaxAttempts": 60})
stream_arn = kinesis.describe_stream_summary(StreamName="boto3-stream")["StreamDescriptionSummary"]["StreamARN"]
step("stream", arn=stream_arn)

table = dynamodb.create_table(
    TableName="boto3-table", BillingMode="PAY_PER_REQUEST",
    AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
    KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})["TableDescription"]
table_stream_arn = table["LatestStreamArn"]
step("table", stream=table_stream_arn)

pipes.create_pipe(Name="boto3-kinesis", RoleArn=ROLE, Source=stream_arn, Target=queues["kinesis"][1],
                  SourceParameters={"KinesisStreamParameters": {"StartingPosition": "TRIM_HORIZON", "BatchSize": 10}})
pipes.create_pipe(Name="boto3-dynamodb", RoleArn=ROLE, Source=table_stream_arn, Target=queues["dynamodb"][1],
                  SourceParameters={"DynamoDBStreamParameters": {"StartingPosition": "TRIM_HORIZON"}},
                  TargetParameters={"InputTemplate": '{"id": <$.dynamodb.Keys.id.S>, "event": <$.eventName>}'})
for name in ("boto3-kinesis", "boto3-dynamodb"):
    until(f"pipe {name} RUNNING", lambda: pipes.describe_pipe(Name=name)["CurrentState"] == "RUNNING")
step("pipes", names=[p["Name"] for p in pipes.list_pipes()["Pipes"]])

events.put_rule(Name="boto3-orders", EventPattern=json.dumps({"source": ["boto3.test"], "detail-type": ["order"]}))
events.put_targets(Rule="boto3-orders", Targets=[{"Id": "queue", "Arn": queues["bus"][1]}])
step("rule", rules=[r["Name"] for r in events.list_rules()["Rules"]])

put = kinesis.put_records(StreamName="boto3-stream", Records=[
    {"PartitionKey": f"k{i}", "Data": json.dumps({"n": i}).encode()} for i in range(10)])
assert put.get("FailedRecordCount", 0) == 0, put
for i in range(3):
    dynamodb.put_item(TableName="boto3-table", Item={"id": {"S": f"item-{i}"}})
sent = events.put_events(Entries=[
    {"Source": "boto3.test", "DetailType": "order", "Detail": json.dumps({"order": i})} for i in range(4)]
    + [{"Source": "boto3.test", "DetailType": "not-an-order", "Detail": "{}"}])
assert sent["FailedEntryCount"] == 0, sent
step("put", records=10, items=3, events=5)


def drain(source, expected):
    url = queues[source][0]
    bodies = []

    def enough():
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return len(bodies) >= expected
    until(f"{expected} messages from {source}", enough, interval=0)
    time.sleep(1)  # anything beyond the expected count would be a duplicate or a wrong match
    for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
        bodies.append(json.loads(message["Body"]))
    return bodies


from_kinesis = drain("kinesis", 10)
numbers = sorted(json.loads(__import__("base64").b64decode(b["data"]))["n"] for b in from_kinesis)
if numbers != list(range(10)) or any(b["eventSource"] != "aws:kinesis" for b in from_kinesis):
    sys.exit(f"kinesis pipe delivered {from_kinesis}")
from_dynamodb = drain("dynamodb", 3)
if sorted(b["id"] for b in from_dynamodb) != ["item-0", "item-1", "item-2"] or {b["event"] for b in from_dynamodb} != {"INSERT"}:
    sys.exit(f"dynamodb pipe delivered {from_dynamodb}")
from_bus = drain("bus", 4)
if sorted(b["detail"]["order"] for b in from_bus) != [0, 1, 2, 3] or {b["source"] for b in from_bus} != {"boto3.test"}:
    sys.exit(f"rule delivered {from_bus}")
step("received", kinesis=len(from_kinesis), dynamodb=len(from_dynamodb), bus=len(from_bus))
print(f"OK boto3 {boto3.__version__}: 10 records, 3 items and 4 events delivered through {ENDPOINT}", flush=True)
